{ epochs: epochs as number, dropout: dropout! }
