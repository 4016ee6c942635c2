delete globalThis.Promise;
