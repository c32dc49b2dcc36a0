package dev.tasktree.trace;

import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The JSON of the trees' shapes, encoded once per shape instead of once per run: a shape is a
 * tree's whole outline (about 100 bytes a node) and a tree hands every traced run the same
 * immutable {@link JsonNode} (see {@link TraceEvent.TraceStarted#shape()}: "do not modify it").
 *
 * <p>Entries are found by the shape's identity, never by equality, so two trees — even with equal
 * shapes — never share an entry and a new shape is never served an old one's bytes. The table is
 * small and fixed: a collision replaces the entry (that shape is encoded again next time), and
 * shapes are held weakly, so trees built and dropped at run time are neither pinned nor leaked
 * beyond {@value #SLOTS} encoded copies.
 */
final class EncodedShapes {

  private static final int SLOTS = 64;

  private record Entry(WeakReference<JsonNode> shape, SerializedString json) {}

  private static final AtomicReferenceArray<Entry> TABLE = new AtomicReferenceArray<>(SLOTS);

  private EncodedShapes() {}

  /** The shape as JSON text (UTF-8 bytes cached), exactly what {@code writeTree} writes. */
  static SerializedString encoded(JsonNode shape) {
    int slot = System.identityHashCode(shape) & (SLOTS - 1);
    Entry entry = TABLE.get(slot);
    if (entry != null && entry.shape().get() == shape) {
      return entry.json();
    }
    SerializedString json = new SerializedString(TraceCodec.encodeTree(shape));
    json.asUnquotedUTF8(); // computes and keeps the bytes: every later run only copies them
    TABLE.set(slot, new Entry(new WeakReference<>(shape), json));
    return json;
  }
}
