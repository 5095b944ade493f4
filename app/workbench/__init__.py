"""The staff's and admins' workbench (工作台): their home, with what waits for them."""
