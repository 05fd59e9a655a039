"""People and link charts (no Qt): a NetworkX graph of people, vehicles, phones,
addresses, offences and intelligence built from the store, with the social network
measures i2 offers, paths, communities, person pages and exports (ANX, GraphML, PNG)."""
