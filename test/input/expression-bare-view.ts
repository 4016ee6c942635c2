// A bare view(...) shows its input; the cell does not display the value as well.
view(Inputs.toggle({ label: "Verbose" }))
