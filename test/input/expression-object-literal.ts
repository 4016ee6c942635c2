{ loss: history.loss, accuracy: Number(acc.toFixed(2)) }
