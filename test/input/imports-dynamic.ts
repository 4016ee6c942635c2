const model = await import("/src/ml/mobilenetv2.ts");
const again = await import(`/src/ml/mobilenetv2.ts`);
const chosen = (name: string) => import(name);
async function later() {
  return import("lectern");
}
