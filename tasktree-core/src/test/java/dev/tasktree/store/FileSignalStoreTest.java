package dev.tasktree.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileSignalStore}: the contract, plus what files add (layout, atomicity, hostile files).
 */
class FileSignalStoreTest extends SignalStoreContract {

  @TempDir Path dir;
  private final List<FileSignalStore> opened = new CopyOnWriteArrayList<>();

  @Override
  protected FileSignalStore store() {
    FileSignalStore store =
        new FileSignalStore(dir.resolve("signals"), Duration.ofMillis(50), clock);
    opened.add(store);
    return store;
  }

  @AfterEach
  void closeStores() {
    opened.forEach(FileSignalStore::close);
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void eachKeyIsOneFileInsideTheDirectoryAndNoTemporaryFileIsLeft() throws IOException {
    FileSignalStore store = store();
    store.raise("../../escape", "r", Duration.ofMinutes(1));
    store.raise("a/b", "r", Duration.ofMinutes(1));
    store.raise("a/b", "r2", Duration.ofMinutes(1));
    List<Path> files = files();
    assertThat(files).hasSize(2);
    assertThat(files)
        .allSatisfy(
            f -> {
              assertThat(f.getParent()).isEqualTo(store.directory());
              assertThat(f.getFileName().toString()).matches("[0-9a-f]{64}\\.signal");
            });
    assertThat(Files.readString(store.file("a/b"))).contains("\"reason\":\"r2\"");
  }

  @Test
  void anotherStoreOnTheSameDirectorySeesTheSignalLikeAnotherProcessWould() {
    FileSignalStore writer = store();
    FileSignalStore reader = store();
    List<Signal> seen = new CopyOnWriteArrayList<>();
    reader.subscribe("k", seen::add);
    writer.raise("k", "from elsewhere", Duration.ofMinutes(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
    assertThat(seen.getFirst().reason()).isEqualTo("from elsewhere");
    assertThat(reader.watching()).isZero();
  }

  @Test
  void aCorruptFileIsAStoreErrorNeverASignalAndSubscribersHearOfItOnce() throws IOException {
    FileSignalStore store = store();
    Files.createDirectories(store.directory());
    Files.writeString(store.file("k"), "{\"key\":\"k\",\"reason\":", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> store.check("k")).isInstanceOf(StoreException.class);
    List<StoreException> errors = new CopyOnWriteArrayList<>();
    List<Signal> signals = new CopyOnWriteArrayList<>();
    store.subscribe(
        "k",
        new SignalStore.Listener() {
          @Override
          public void onSignal(Signal signal) {
            signals.add(signal);
          }

          @Override
          public void onError(StoreException error) {
            errors.add(error);
          }
        });
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(errors).hasSize(1);
    assertThat(signals).isEmpty();
    store.raise("k", "good", Duration.ofMinutes(1)); // a good raise repairs it
    await().atMost(Duration.ofSeconds(5)).until(() -> signals.size() == 1);
  }

  @Test
  void aFileOfAnotherKeyUnderThisKeysNameIsNotItsSignal() throws IOException {
    FileSignalStore store = store();
    store.raise("other", "r", Duration.ofMinutes(1));
    Files.copy(store.file("other"), store.file("k"));
    assertThatThrownBy(() -> store.check("k")).isInstanceOf(StoreException.class);
  }

  @Test
  void aLinkUnderAKeysNameIsNeverFollowed() throws IOException {
    FileSignalStore store = store();
    store.raise("target", "secret", Duration.ofMinutes(1));
    Files.createSymbolicLink(store.file("k"), store.file("target"));
    assertThatThrownBy(() -> store.check("k"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not a regular file");
  }

  @Test
  void anExpiredFileIsDeletedWhenRead() {
    FileSignalStore store = store();
    store.raise("k", "r", Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(2));
    assertThat(store.check("k")).isEmpty();
    assertThat(store.file("k")).doesNotExist();
  }
}
