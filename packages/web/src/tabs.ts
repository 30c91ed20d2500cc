/**
 * The results' tabs, keyboard-usable as the WAI-ARIA tabs pattern describes: the tabs are one
 * stop of the Tab key, Left/Right/Home/End move between them, and each tab's panel follows.
 */

/** Wires the tabs of `tablist` (buttons with `aria-controls`); returns a function that selects one by id. */
export function setUpTabs(tablist: HTMLElement): (tabId: string) => void {
  const tabs = [...tablist.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const select = (tab: HTMLButtonElement, focus: boolean) => {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(other.getAttribute('aria-controls') ?? '');
      if (panel !== null) panel.hidden = !selected;
    }
    if (focus) tab.focus();
  };
  for (const [i, tab] of tabs.entries()) {
    tab.addEventListener('click', () => select(tab, false));
    tab.addEventListener('keydown', (event) => {
      const next =
        event.key === 'ArrowRight'
          ? tabs[(i + 1) % tabs.length]
          : event.key === 'ArrowLeft'
            ? tabs[(i - 1 + tabs.length) % tabs.length]
            : event.key === 'Home'
              ? tabs[0]
              : event.key === 'End'
                ? tabs[tabs.length - 1]
                : undefined;
      if (next === undefined) return;
      event.preventDefault();
      select(next, true);
    });
  }
  const first = tabs[0];
  if (first !== undefined) select(first, false);
  return (tabId) => {
    const tab = tabs.find((candidate) => candidate.id === tabId);
    if (tab !== undefined) select(tab, false);
  };
}
