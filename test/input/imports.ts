import { fineTune, summary as kerasSummary } from "lectern";
import * as tf from "@tensorflow/tfjs";
import Plot2, { plot } from "@observablehq/plot";
import "/src/ml/side-effects.ts";
import { "string name" as stringName } from "./local.ts";
const lazy = await import("/src/ml/diagnose.ts");
const dynamic = (name) => import(name);
