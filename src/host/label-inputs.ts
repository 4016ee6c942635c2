/**
 * Observable Inputs label only the first control of an input: `Inputs.range` labels its number box
 * and leaves its slider unnamed, which screen readers announce as "slider" and axe reports as a
 * critical violation. This names every unlabelled control inside an Inputs form after the form's
 * label, now and whenever cells re-render. Observable Plot also puts `aria-label` on its marks'
 * `<g>` elements, where ARIA allows a name only with a role: they get `role="group"`.
 * Browser-only.
 */

const CONTROLS = 'input:not([type="hidden"]), select, textarea';

/** Gives each unnamed control under `root` its form's label text as aria-label. */
export function labelInputs(root: ParentNode): void {
  for (const control of root.querySelectorAll<HTMLElement>(CONTROLS)) {
    if (hasName(control)) continue;
    const label = control.closest('form')?.querySelector('label')?.textContent?.trim();
    if (label) control.setAttribute('aria-label', label);
  }
  for (const group of root.querySelectorAll('svg g[aria-label]:not([role])')) group.setAttribute('role', 'group');
}

function hasName(control: HTMLElement): boolean {
  if (control.hasAttribute('aria-label') || control.hasAttribute('aria-labelledby')) return true;
  return control instanceof HTMLInputElement || control instanceof HTMLSelectElement || control instanceof HTMLTextAreaElement
    ? (control.labels?.length ?? 0) > 0
    : false;
}

/** Keeps labelling controls under `root` as cells add them; returns a function that stops. */
export function keepInputsLabelled(root: Element): () => void {
  labelInputs(root);
  const observer = new MutationObserver(() => labelInputs(root));
  observer.observe(root, { childList: true, subtree: true });
  return () => observer.disconnect();
}
