// The run tree's keyboard: moving, expanding and collapsing, search steps, zoom and pan.

/**
 * A keydown handler for the tree. {@code tree} gives model, selected, visible (the rows in order),
 * pageRows(), isCollapsed(span), select(span), toggle(span, open?), step(direction) and timeline.
 */
export function treeKeys(tree) {
  return function onKey(e) {
    const { model, selected, visible, timeline } = tree;
    if (!model) return;
    const i = selected ? visible.indexOf(selected) : -1;
    const go = (j) => { if (visible[j]) tree.select(visible[j]); };
    const kids = (span) => model.kids(span).length > 0;
    switch (e.key) {
      case 'ArrowDown': go(Math.min(visible.length - 1, i + 1)); break;
      case 'ArrowUp': go(Math.max(0, i - 1)); break;
      case 'Home': go(0); break;
      case 'End': go(visible.length - 1); break;
      case 'PageDown': go(Math.min(visible.length - 1, i + tree.pageRows())); break;
      case 'PageUp': go(Math.max(0, i - tree.pageRows())); break;
      case 'ArrowRight':
        if (!selected) go(0);
        else if (kids(selected) && tree.isCollapsed(selected)) tree.toggle(selected, true);
        else if (kids(selected)) go(i + 1);
        break;
      case 'ArrowLeft':
        if (!selected) break;
        if (kids(selected) && !tree.isCollapsed(selected)) tree.toggle(selected, false);
        else if (selected.parent) tree.select(selected.parent);
        break;
      case 'Enter': case ' ':
        if (selected && kids(selected)) tree.toggle(selected);
        break;
      case '+': case '=': timeline.zoom(0.5); break;
      case '-': timeline.zoom(2); break;
      case '0': timeline.reset(); break;
      case '[': timeline.pan(-0.5); break;
      case ']': timeline.pan(0.5); break;
      case 'n': tree.step(1); break;
      case 'N': tree.step(-1); break;
      default: return;
    }
    e.preventDefault();
  };
}
