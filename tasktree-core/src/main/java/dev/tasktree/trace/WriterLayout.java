package dev.tasktree.trace;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a trace's first line and its summary line when they are laid out exactly as this writer
 * lays them out (fields in its order, plain ASCII strings without escapes, no attributes on the
 * first line): a byte scan instead of a JSON parser, for an index that reads these two lines of
 * every file in a directory. Anything else — another order, an escape, a non-ASCII byte, an
 * attribute map, a number the scan does not take — returns null, and the caller reads the line with
 * the JSON parser, which decides; so this never gives an answer the parser would not.
 */
final class WriterLayout {

  private static final byte[] HEAD_START = ascii("{\"v\":");
  private static final byte[] HEAD_TYPE = ascii(",\"type\":\"trace\",\"id\":\"");
  private static final byte[] HEAD_NAME = ascii(",\"name\":\"");
  private static final byte[] HEAD_TIME = ascii(",\"time\":\"");
  private static final byte[] HEAD_SHAPE = ascii(",\"shape\":{");

  private static final byte[] SUMMARY_TIME = ascii(SummaryLine.PREFIX + ",\"time\":\"");
  private static final byte[] SUMMARY_STATUS = ascii(",\"status\":\"");
  private static final byte[] SUMMARY_SPANS = ascii(",\"spans\":");
  private static final byte[] SUMMARY_ERRORS = ascii(",\"errors\":");
  private static final byte[] SUMMARY_INPUT = ascii(",\"input_tokens\":");
  private static final byte[] SUMMARY_OUTPUT = ascii(",\"output_tokens\":");
  private static final byte[] SUMMARY_COST = ascii(",\"cost_usd\":");
  private static final byte[] SUMMARY_MODELS = ascii(",\"models\":[");
  private static final byte[] SUMMARY_OFFSET = ascii(",\"offset\":");

  /** The length of a {@code time} value as the writer writes it. */
  private static final int TIME_LENGTH = 27;

  private final byte[] bytes;
  private final int end;
  private int at;

  private WriterLayout(byte[] bytes, int from, int length) {
    this.bytes = bytes;
    this.at = from;
    this.end = from + length;
  }

  /**
   * The first line's id, name and start, from {@code bytes[0, length)} (the file's first bytes);
   * null when it is not laid out as this writer lays out a first line without attributes.
   */
  static SummaryLine.Head head(byte[] bytes, int length) {
    WriterLayout in = new WriterLayout(bytes, 0, length);
    if (!in.skip(HEAD_START)) {
      return null;
    }
    long version = in.integer(1);
    if (version < 1 || version > TraceCodec.VERSION || !in.skip(HEAD_TYPE)) {
      return null;
    }
    String id = in.string();
    if (id == null || !in.skip(HEAD_NAME)) {
      return null;
    }
    String name = in.string();
    if (name == null || !in.skip(HEAD_TIME)) {
      return null;
    }
    String time = in.string();
    if (time == null || time.length() != TIME_LENGTH) {
      return null;
    }
    // The shape (an object, as the writer writes it) is not needed; what the parser would see of
    // it is its first char. Attributes, or anything else, and the JSON parser reads on.
    if (!in.skip(HEAD_SHAPE) && !in.skip((byte) '}')) {
      return null;
    }
    return new SummaryLine.Head(id, name, TraceCodec.parseTime(time), Map.of());
  }

  /**
   * The totals of a summary line, {@code bytes[from, from + length)} without its newline; null when
   * it is not laid out as this writer lays out a summary line.
   */
  static SummaryLine.Totals totals(byte[] bytes, int from, int length) {
    WriterLayout in = new WriterLayout(bytes, from, length);
    SummaryLine.Totals t = new SummaryLine.Totals();
    if (!in.skip(SUMMARY_TIME)) {
      return null;
    }
    String time = in.string();
    if (time == null || time.length() != TIME_LENGTH || !in.skip(SUMMARY_STATUS)) {
      return null;
    }
    Status status = status(in.string());
    if (status == null || !in.skip(SUMMARY_SPANS)) {
      return null;
    }
    t.status = status;
    t.spans = (int) in.integer(9);
    if (t.spans < 0 || !in.skip(SUMMARY_ERRORS)) {
      return null;
    }
    t.errors = (int) in.integer(9);
    if (t.errors < 0 || !in.skip(SUMMARY_INPUT)) {
      return null;
    }
    t.inputTokens = in.integer(18);
    if (t.inputTokens < 0 || !in.skip(SUMMARY_OUTPUT)) {
      return null;
    }
    t.outputTokens = in.integer(18);
    if (t.outputTokens < 0 || !in.skip(SUMMARY_COST)) {
      return null;
    }
    Double cost = in.decimal();
    if (cost == null || !in.skip(SUMMARY_MODELS)) {
      return null;
    }
    t.cost = cost;
    List<String> models = in.strings();
    if (models == null || !in.skip(SUMMARY_OFFSET)) {
      return null;
    }
    t.offset = in.integer(18);
    if (t.offset < 0 || !in.skip((byte) '}') || in.at != in.end) {
      return null;
    }
    t.models = SummaryFacets.modelsOf(models);
    t.end = TraceCodec.parseTime(time);
    return t;
  }

  private static Status status(String name) {
    if (name == null) {
      return null;
    }
    for (Status s : Status.values()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  private boolean skip(byte[] expected) {
    if (end - at < expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (bytes[at + i] != expected[i]) {
        return false;
      }
    }
    at += expected.length;
    return true;
  }

  private boolean skip(byte expected) {
    if (at < end && bytes[at] == expected) {
      at++;
      return true;
    }
    return false;
  }

  /**
   * A string's chars after its opening quote, up to and past its closing quote; null when it holds
   * an escape, a control char or a non-ASCII byte (the JSON parser decodes those), or is cut.
   */
  private String string() {
    int from = at;
    for (int i = from; i < end; i++) {
      byte b = bytes[i];
      if (b == '"') {
        at = i + 1;
        return new String(bytes, from, i - from, StandardCharsets.ISO_8859_1);
      }
      if (b == '\\' || b < 0x20) { // bytes of 0x80 and above are negative
        return null;
      }
    }
    return null;
  }

  /**
   * {@code ["a","b"]} after its opening bracket, up to and past its closing one; null otherwise.
   */
  private List<String> strings() {
    List<String> out = new ArrayList<>(2);
    if (skip((byte) ']')) {
      return out;
    }
    do {
      if (!skip((byte) '"')) {
        return null;
      }
      String s = string();
      if (s == null) {
        return null;
      }
      out.add(s);
    } while (skip((byte) ','));
    return skip((byte) ']') ? out : null;
  }

  /**
   * A non-negative integer of at most {@code maxDigits} digits, without a leading zero; -1 when
   * there is none.
   */
  private long integer(int maxDigits) {
    int from = at;
    long value = 0;
    while (at < end && at - from < maxDigits && bytes[at] >= '0' && bytes[at] <= '9') {
      value = value * 10 + (bytes[at] - '0');
      at++;
    }
    int digits = at - from;
    boolean more = at < end && bytes[at] >= '0' && bytes[at] <= '9';
    if (digits == 0 || more || (digits > 1 && bytes[from] == '0')) {
      return -1;
    }
    return value;
  }

  /** A JSON number (sign, digits, fraction, exponent); null when there is none. */
  private Double decimal() {
    int from = at;
    skip((byte) '-');
    int intFrom = at;
    if (!digits()) {
      return null;
    }
    if (at - intFrom > 1 && bytes[intFrom] == '0') {
      return null;
    }
    if (skip((byte) '.') && !digits()) {
      return null;
    }
    if (skip((byte) 'e') || skip((byte) 'E')) {
      if (!skip((byte) '+')) {
        skip((byte) '-');
      }
      if (!digits()) {
        return null;
      }
    }
    double value =
        Double.parseDouble(new String(bytes, from, at - from, StandardCharsets.ISO_8859_1));
    return Double.isFinite(value) ? value : null;
  }

  private boolean digits() {
    int from = at;
    while (at < end && bytes[at] >= '0' && bytes[at] <= '9') {
      at++;
    }
    return at > from;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
