Math = { ...Math, tau: 2 * Math.PI };
