(a + b) * Math.max(c, 2)
