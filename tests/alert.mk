# alert tests
