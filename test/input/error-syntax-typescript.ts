const typed: Map<string, number> = new Map();
const wrong: number = typed.get("a") +* 1;
