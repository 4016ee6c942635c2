/**
 * An exercise's box on the page: the task, the check's verdict ("Passed" / "Not yet: why"), hints
 * one at a time and the solution on request. The check cell is not shown: this view is its
 * observer, so its value becomes the verdict and its error the reason the check failed.
 * Browser-only.
 */
import type { CellObserver } from '../runtime/lesson-runtime.ts';
import { exerciseStatus, settledStatus, statusLabel, type ExerciseStatus } from '../lesson/exercises.ts';
import type { ExerciseBlock } from '../lesson/types.ts';
import type { ExerciseProgress } from './progress.ts';
import { setProse } from '../trust/sanitize-prose.ts';

export interface ExerciseViewArgs {
  exercise: ExerciseBlock;
  /** What storage remembers of it (shown until the check speaks). */
  progress?: ExerciseProgress;
  /** Told each verdict of the check (never `waiting` twice in a row for nothing). */
  onStatus: (status: ExerciseStatus) => void;
  /** Told when the learner opens a hint (how many are open now) or the solution. */
  onReveal: (revealed: { hints?: number; solution?: boolean }) => void;
}

export interface ExerciseView {
  element: HTMLElement;
  /** The check cell's observer. */
  observer: CellObserver;
  /** The verdict shown now. */
  status: () => ExerciseStatus;
}

export function createExerciseView({ exercise, progress, onStatus, onReveal }: ExerciseViewArgs): ExerciseView {
  const box = document.createElement('section');
  box.className = 'exercise';
  box.id = `exercise-${exercise.id}`;
  box.dataset.exercise = exercise.id;
  const title = document.createElement('p');
  title.className = 'exercise-title';
  title.id = `exercise-${exercise.id}-title`;
  title.textContent = `Exercise: ${exercise.title}`;
  box.setAttribute('aria-labelledby', title.id);
  const task = document.createElement('div');
  task.className = 'prose';
  setProse(task, exercise.html);
  const verdict = document.createElement('p');
  verdict.className = 'exercise-status';
  verdict.setAttribute('role', 'status');
  const earlier = document.createElement('span');
  earlier.className = 'exercise-earlier';
  box.append(title, task, verdict);

  let current: ExerciseStatus = { state: 'waiting', message: exercise.check ? 'the check has not run yet' : 'this exercise has no check' };
  const show = (status: ExerciseStatus): void => {
    current = status;
    verdict.dataset.state = status.state;
    verdict.textContent = status.state === 'passed' ? `✓ ${statusLabel(status)}` : statusLabel(status);
    if (progress?.passedAt !== undefined && status.state !== 'passed') {
      earlier.textContent = ` (you passed it on ${new Date(progress.passedAt).toLocaleString()})`;
      verdict.append(earlier);
    }
  };
  // Until the check speaks, what the last visit's check said.
  if (progress && progress.state !== 'error') show({ state: progress.state, message: [progress.message, '(on your last visit; checking again)'].filter(Boolean).join(' ') });
  else show(current);
  if (progress?.passedAt !== undefined) box.classList.add('exercise-done');

  const verdictOf = (status: ExerciseStatus): void => {
    box.removeAttribute('aria-busy');
    show(status);
    if (status.state === 'passed') {
      box.classList.add('exercise-done');
      progress = { ...(progress ?? { state: 'passed', message: '' }), passedAt: progress?.passedAt ?? Date.now() };
    }
    onStatus(status);
  };

  // Hints one at a time, then the solution.
  const help = document.createElement('div');
  help.className = 'exercise-help';
  const revealed = document.createElement('div');
  let shownHints = 0;
  const hintButton = document.createElement('button');
  hintButton.type = 'button';
  const part = (label: string, html: string, className: string): HTMLElement => {
    const section = document.createElement('div');
    section.className = className;
    const heading = document.createElement('p');
    heading.className = 'exercise-part-title';
    heading.textContent = label;
    heading.tabIndex = -1; // focused when opened, so a screen reader reads it next
    const body = document.createElement('div');
    body.className = 'prose';
    setProse(body, html);
    section.append(heading, body);
    return section;
  };
  const labelHintButton = (): void => {
    const left = exercise.hints.length - shownHints;
    hintButton.textContent = shownHints === 0 ? (exercise.hints.length > 1 ? `Show a hint (1 of ${exercise.hints.length})` : 'Show a hint') : `Next hint (${shownHints + 1} of ${exercise.hints.length})`;
    hintButton.hidden = left === 0;
  };
  const showHints = (count: number): void => {
    while (shownHints < Math.min(count, exercise.hints.length)) {
      const label = exercise.hints.length > 1 ? `Hint ${shownHints + 1}` : 'Hint';
      revealed.append(part(label, exercise.hints[shownHints]!, 'exercise-hint'));
      shownHints++;
    }
    labelHintButton();
  };
  hintButton.addEventListener('click', () => {
    showHints(shownHints + 1);
    onReveal({ hints: shownHints });
    revealed.lastElementChild?.querySelector<HTMLElement>('.exercise-part-title')?.focus();
  });
  const solutionButton = document.createElement('button');
  solutionButton.type = 'button';
  solutionButton.textContent = 'Show the solution';
  const showSolution = (): void => {
    if (exercise.solution === undefined || solutionButton.hidden) return;
    revealed.append(part('Solution', exercise.solution, 'exercise-solution'));
    solutionButton.hidden = true;
  };
  solutionButton.addEventListener('click', () => {
    showSolution();
    onReveal({ solution: true });
  });
  if (exercise.hints.length) help.append(hintButton);
  if (exercise.solution !== undefined) help.append(solutionButton);
  // What was open on the last visit is open again.
  showHints(progress?.hints ?? 0);
  if (progress?.solution) showSolution();
  if (help.childElementCount) box.append(help);
  box.append(revealed);

  let displayed: unknown[] = [];
  const observer: CellObserver = {
    pending() {
      displayed = [];
      box.setAttribute('aria-busy', 'true');
    },
    display(value) {
      displayed.push(value);
    },
    fulfilled(value) {
      verdictOf(exerciseStatus(value));
    },
    settled() {
      // A check written as statements: its last display(...) is its verdict.
      verdictOf(settledStatus(displayed));
    },
    rejected(error) {
      verdictOf({ state: 'error', message: error.message });
    },
  };

  return { element: box, observer, status: () => current };
}
