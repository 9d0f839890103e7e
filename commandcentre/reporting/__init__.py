"""The reporting clock (信息报送): rules as data, obligations planned from them, reports sent."""
