const { parse, Map } = library;
