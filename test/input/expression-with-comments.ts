/* leading block comment */
dropout * 2 // trailing comment
