# demo tests
