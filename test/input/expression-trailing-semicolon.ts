// A trailing semicolon makes a statement: run, but display nothing.
console.log(total);
