const total = 1;
function display(value) { return value; }
