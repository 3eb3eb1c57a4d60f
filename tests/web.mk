# web tests
