package dev.tasktree.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SamplesTest {

  @Test
  void medianOfAnOddCountIsTheMiddleSample() {
    assertThat(Samples.of(new long[] {9, 1, 5}).medianNanos()).isEqualTo(5);
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(Samples.of(new long[] {4, 1, 3, 2}).medianNanos()).isEqualTo(2.5);
  }

  @Test
  void percentilesUseTheNearestRank() {
    long[] hundred = new long[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = 100 - i; // 100 .. 1, unsorted
    }
    Samples s = Samples.of(hundred);
    assertThat(s.percentileNanos(99)).isEqualTo(99);
    assertThat(s.percentileNanos(50)).isEqualTo(50);
    assertThat(s.percentileNanos(100)).isEqualTo(100);
    assertThat(s.percentileNanos(0)).isEqualTo(1);
  }

  @Test
  void p99OfFewSamplesIsTheLargest() {
    assertThat(Samples.of(new long[] {3, 7_000_000, 5}).percentileMillis(99)).isEqualTo(7.0);
  }

  @Test
  void ofCopiesItsInput() {
    long[] input = {3, 1, 2};
    Samples.of(input);
    assertThat(input).containsExactly(3, 1, 2);
  }
}
