DROP TABLE bus_dead_letters;
DROP TABLE bus_inbox;
DROP TABLE bus_outbox;
