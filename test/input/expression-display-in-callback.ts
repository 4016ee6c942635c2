steps.map((step) => display(step * scale))
