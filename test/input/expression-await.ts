await fetchSummary(model, { trainableLast })
