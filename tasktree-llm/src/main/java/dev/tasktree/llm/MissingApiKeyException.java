package dev.tasktree.llm;

/** No API key could be resolved for a request; maps to category {@code auth}. */
final class MissingApiKeyException extends RuntimeException {
  MissingApiKeyException(String message) {
    super(message);
  }
}
