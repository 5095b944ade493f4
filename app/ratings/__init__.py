"""双评议: yearly ratings of members by their community, what their employer (unit) sees of them,
feedback letters (一信一函), the community's published ratings (双公示) and statistics."""
