UPDATE shop.items SET sku = CONCAT('S', id);
