/**
 * What extensions implement or see: a {@link dev.tasktree.spi.Node} (a leaf you or another module
 * writes, like the LLM node), {@link dev.tasktree.spi.Around} advice, the {@link
 * dev.tasktree.spi.NodeContext} a running node sees, and the read-only shape of a built tree.
 * {@link dev.tasktree.spi.LenientJson} parses the JSON that models write, for every module.
 */
package dev.tasktree.spi;
