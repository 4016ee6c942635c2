class {
  greet(name: string) {
    return `hi ${name}`;
  }
}
