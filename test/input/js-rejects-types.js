const typed: number = 1;
