package dev.tasktree.store;

/** {@link InMemorySignalStore} keeps the {@link SignalStoreContract}. */
class InMemorySignalStoreContractTest extends SignalStoreContract {

  @Override
  protected SignalStore store() {
    return new InMemorySignalStore(clock);
  }
}
