for (current of list) {}
