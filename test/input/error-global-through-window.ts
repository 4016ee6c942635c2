const keep = 1;
window['Math'] = 1;
