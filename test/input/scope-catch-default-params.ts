function load(path = defaultPath, { retries = maxRetries } = {}, ...rest) {
  try {
    return read(path, retries, rest);
  } catch (error) {
    return fallback(error);
  }
}
const f = (a, b = a + shift) => a + b;
try {
  risky();
} catch ({ message }) {
  report(message);
} finally {
  cleanup();
}
try { more(); } catch { missingParam(); }
