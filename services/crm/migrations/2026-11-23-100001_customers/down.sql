DROP TABLE price_list, customer_balances, contacts, customers;
