package dev.tasktree.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasktree.trace.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The file journal: the contract, plus torn records, crashes, hostile files and locking. */
class FileJournalTest extends JournalContract {

  @TempDir Path dir;
  private FileJournal journal;

  @BeforeEach
  void open() {
    journal = FileJournal.open(dir);
  }

  @Override
  protected Journal journal() {
    return journal;
  }

  private Path fileOf(String runId) {
    return dir.resolve(runId + ".journal");
  }

  private static Checkpoint checkpoint(int i) {
    return new Checkpoint(
        "T > Step[" + i + "] | result | 1", true, "\"value " + i + "\"", Instant.now());
  }

  /** Begins a run with two checkpoints, as a process that then died would leave it. */
  private String runWithTwoCheckpoints() {
    String id = runId();
    journal.begin(header(id, Instant.now()));
    journal.append(id, checkpoint(0));
    journal.append(id, checkpoint(1));
    journal.close(); // what a death does to its open files: their locks are gone
    return id;
  }

  @Test
  void aTornLastRecordWithoutNewlineIsIgnoredAndCutOffByTheNextWriter() throws IOException {
    String id = runWithTwoCheckpoints();
    String torn = "{\"type\":\"checkpoint\",\"key\":\"TORN > Ste";
    Files.writeString(fileOf(id), torn, StandardOpenOption.APPEND);

    FileJournal afterCrash = FileJournal.open(dir);
    assertThat(afterCrash.read(id).orElseThrow().checkpoints())
        .extracting(Checkpoint::key)
        .containsExactly(checkpoint(0).key(), checkpoint(1).key());

    afterCrash.begin(header(id, Instant.now())); // what a resume does first
    afterCrash.append(id, checkpoint(2));
    assertThat(Files.readString(fileOf(id))).doesNotContain(torn);
    assertThat(afterCrash.read(id).orElseThrow().checkpoints())
        .extracting(Checkpoint::key)
        .containsExactly(checkpoint(0).key(), checkpoint(1).key(), checkpoint(2).key());
    afterCrash.close();
  }

  @Test
  void aTornLastRecordThatIsNotJsonIsIgnored() throws IOException {
    String id = runWithTwoCheckpoints();
    Files.write(fileOf(id), new byte[] {0, 0, 0, 0, '\n'}, StandardOpenOption.APPEND);
    assertThat(FileJournal.open(dir).read(id).orElseThrow().checkpoints()).hasSize(2);
  }

  @Test
  void aDamagedRecordBeforeTheLastIsAStoreExceptionNamingTheLine() throws IOException {
    String id = runWithTwoCheckpoints();
    List<String> lines = Files.readAllLines(fileOf(id));
    lines.set(1, "{\"type\":\"checkpoint\",\"key\":");
    Files.write(fileOf(id), lines);
    assertThatThrownBy(() -> FileJournal.open(dir).read(id))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining(id);
  }

  @Test
  void hostileFilesAreStoreExceptionsAndResumableSkipsThem() throws IOException {
    String good = runId();
    journal.begin(header(good, Instant.now()));
    String garbage = runId();
    Files.write(fileOf(garbage), new byte[] {(byte) 0xff, (byte) 0xfe, '{', '\n', '[', ']', '\n'});
    String empty = runId();
    Files.write(fileOf(empty), new byte[0]);
    String notHeader = runId();
    Files.writeString(fileOf(notHeader), "{\"type\":\"checkpoint\"}\n{\"type\":\"end\"}\n");
    String otherRun = runId();
    Files.writeString(
        fileOf(otherRun),
        Files.readString(fileOf(good)), // a copied file: it names another run
        StandardCharsets.UTF_8);
    String wrongTypes = runId();
    Files.writeString(
        fileOf(wrongTypes),
        "{\"type\":\"header\",\"runId\":\"" + wrongTypes + "\",\"tree\":1}\n{}\n");
    String directory = runId();
    Files.createDirectory(fileOf(directory));
    String link = runId();
    Files.createSymbolicLink(fileOf(link), fileOf(good));

    for (String hostile :
        List.of(garbage, empty, notHeader, otherRun, wrongTypes, directory, link)) {
      assertThatThrownBy(() -> journal.read(hostile))
          .as(hostile)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(hostile);
    }
    assertThat(journal.resumable()).containsExactly(good);
  }

  @Test
  void anEndedRunRefusesMoreRecords() {
    String id = runId();
    journal.begin(header(id, Instant.now()));
    journal.end(id, "FAIL");
    assertThatThrownBy(() -> journal.append(id, checkpoint(0)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("ended");
    assertThat(journal.read(id).orElseThrow().endStatus()).contains("FAIL");
  }

  @Test
  void appendingToARunThatNeverBeganIsAStoreException() {
    assertThatThrownBy(() -> journal.append(runId(), checkpoint(0)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("begin");
  }

  @Test
  void aSecondWriterOfTheSameRunIsRefusedWhileTheFirstHasItOpen() {
    String id = runId();
    journal.begin(header(id, Instant.now()));
    journal.append(id, checkpoint(0));
    FileJournal second = FileJournal.open(dir);
    assertThatThrownBy(() -> second.append(id, checkpoint(1)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("being written");
    assertThat(second.read(id).orElseThrow().checkpoints()).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(FileJournal.Sync.class)
  void everyFsyncPolicyReadsBackWhatWasAppended(FileJournal.Sync sync) {
    FileJournal j = FileJournal.open(dir.resolve(sync.name()), sync);
    String id = runId();
    j.begin(header(id, Instant.now()));
    for (int i = 0; i < 20; i++) {
      j.append(id, checkpoint(i));
    }
    j.end(id, "OK");
    JournalRecord record = j.read(id).orElseThrow();
    assertThat(record.checkpoints()).hasSize(20);
    assertThat(record.endStatus()).contains("OK");
  }

  @Test
  void aProcessKilledMidAppendLeavesAJournalThatReadsAndResumes() throws Exception {
    String id = runId();
    try (ChildJvm child = ChildJvm.start(JournalAppendingChild.class, dir.toString(), id)) {
      String line = child.awaitLine("APPENDED 200", Duration.ofSeconds(60));
      assertThat(line).isNotNull();
      child.killHard(); // mid-append: the child appends as fast as it can, forever
    }
    FileJournal afterCrash = FileJournal.open(dir);
    List<Checkpoint> read = afterCrash.read(id).orElseThrow().checkpoints();
    assertThat(read.size()).isGreaterThanOrEqualTo(200);
    for (int i = 0; i < read.size(); i++) {
      assertThat(read.get(i).key()).isEqualTo("T > Step | result | " + i);
    }
    afterCrash.begin(header(id, Instant.now()));
    afterCrash.append(id, new Checkpoint("after the crash", true, "1", Instant.now()));
    afterCrash.end(id, "OK");
    JournalRecord resumed = FileJournal.open(dir).read(id).orElseThrow();
    assertThat(resumed.checkpoints()).hasSize(read.size() + 1);
    assertThat(resumed.checkpoints().getLast().key()).isEqualTo("after the crash");
    assertThat(resumed.endStatus()).contains("OK");
  }
}
