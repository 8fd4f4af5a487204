DROP TABLE catalogue_items;
