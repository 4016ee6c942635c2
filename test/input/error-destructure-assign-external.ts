let mine;
[mine, theirs] = pair;
