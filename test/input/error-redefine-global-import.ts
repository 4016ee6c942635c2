import { Map } from "immutable";
