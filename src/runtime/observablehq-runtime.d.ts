/**
 * Types for @observablehq/runtime 6.0.1, which ships none: the subset Lectern
 * uses, plus the internal fields the lesson runtime reads (marked internal).
 */
declare module '@observablehq/runtime' {
  export interface Observer {
    pending?(): void;
    fulfilled?(value: unknown, name?: string | null): void;
    rejected?(error: unknown, name?: string | null): void;
  }

  export type Definition = (...inputs: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any -- inputs are whatever other variables hold

  export class Variable {
    define(name: string | null, inputs: readonly string[], definition: Definition | unknown): this;
    define(inputs: readonly string[], definition: Definition | unknown): this;
    define(definition: Definition | unknown): this;
    delete(): this;
    import(name: string, module: Module): this;
    import(remote: string, name: string, module: Module): this;
    /** Internal: bumped on every (re)definition and computation; a run is current while it is unchanged. */
    readonly _version: number;
    /** Internal: the variable's name, or null. */
    readonly _name: string | null;
  }

  export class Module {
    variable(observer?: Observer | boolean, options?: { shadow?: Record<string, Definition> }): Variable;
    define(name: string | null, inputs: readonly string[], definition: Definition | unknown): Variable;
    redefine(name: string, inputs: readonly string[], definition: Definition | unknown): Variable;
    import(name: string, module: Module): Variable;
    value(name: string): Promise<unknown>;
    builtin(name: string, value: unknown): void;
  }

  export class Runtime {
    /** Builtins are visible to every module; a function value is called lazily as a definition. */
    constructor(builtins?: Record<string, unknown>, global?: (name: string) => unknown);
    module(): Module;
    dispose(): void;
    /** Internal: settles once the pending recomputation has run. */
    _compute(): Promise<void>;
  }

  export class RuntimeError extends Error {
    constructor(message: string, input?: string);
    readonly input?: string;
  }
}
