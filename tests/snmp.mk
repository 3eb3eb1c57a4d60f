# snmp tests
