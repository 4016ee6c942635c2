let n = 0;
while (n < limit) n++;
do { n--; } while (n > 0);
for (let i = 0; i < 3; i++) for (const k in table) if (k) n += i;
for await (const batch of stream) { n += batch.length; }
label: while (true) break label;
const spin = () => { for (;;) {} };
