package dev.tasktree.llm;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * One part of a multi-part user message: text, or an image given by URL or as bytes. In a trace an
 * image given as bytes (or as a {@code data:} URL) appears as its media type and size only — the
 * bytes are never recorded.
 *
 * <pre>{@code
 * Message.user(ContentPart.text("What is on this receipt?"),
 *              ContentPart.image("image/png", pngBytes))
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class ContentPart {

  private final String text;
  private final String url;
  private final String mediaType;
  private final byte[] data;

  private ContentPart(String text, String url, String mediaType, byte[] data) {
    this.text = text;
    this.url = url;
    this.mediaType = mediaType;
    this.data = data;
  }

  /** A text part. */
  public static ContentPart text(String text) {
    return new ContentPart(Objects.requireNonNull(text, "text"), null, null, null);
  }

  /**
   * An image the provider fetches from {@code url} ({@code https:} or a {@code data:} URL).
   *
   * @throws IllegalArgumentException when the URL is blank
   */
  public static ContentPart imageUrl(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("image URL must not be blank");
    }
    return new ContentPart(null, url, null, null);
  }

  /**
   * An image sent inline as base64 ({@code data:<mediaType>;base64,...}).
   *
   * @throws IllegalArgumentException when the media type is not an {@code image/} type or the bytes
   *     are empty
   */
  public static ContentPart image(String mediaType, byte[] bytes) {
    Objects.requireNonNull(mediaType, "mediaType");
    if (!mediaType.toLowerCase(Locale.ROOT).startsWith("image/")) {
      throw new IllegalArgumentException("media type must be image/..., got " + mediaType);
    }
    if (bytes == null || bytes.length == 0) {
      throw new IllegalArgumentException("image bytes must not be empty");
    }
    return new ContentPart(null, null, mediaType, bytes.clone());
  }

  /** {@code text} or {@code image_url}. */
  @JsonProperty("type")
  public String type() {
    return text != null ? "text" : "image_url";
  }

  /** The text of a text part, else null. */
  @JsonProperty("text")
  public String textValue() {
    return text;
  }

  /** The URL sent for an image part (a {@code data:} URL for inline bytes); null for text. */
  @JsonIgnore
  public String imageUrlValue() {
    if (data != null) {
      return "data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(data);
    }
    return url;
  }

  /** What a trace shows of the image URL: the URL, or a size marker for inline data. */
  @JsonProperty("image_url")
  String tracedUrl() {
    if (data != null) {
      return "[" + mediaType + ", " + data.length + " bytes]";
    }
    if (url != null && url.startsWith("data:")) {
      int comma = url.indexOf(',');
      String head = comma < 0 ? "data:" : url.substring(0, comma);
      return "[" + head + ", " + (url.length() - comma - 1) + " characters]";
    }
    return url;
  }

  @Override
  public String toString() {
    return text != null ? "ContentPart[text]" : "ContentPart[image " + tracedUrl() + "]";
  }
}
