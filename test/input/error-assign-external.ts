const local = 1;
dropout = 0.5;
