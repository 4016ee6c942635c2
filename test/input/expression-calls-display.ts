// Shows 1 and 2, once each: a cell that calls display() does not also show its value.
display(1), display(2)
