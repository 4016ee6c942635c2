let head;
[head, ...Set] = items;
