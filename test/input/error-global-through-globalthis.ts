globalThis.JSON = null;
