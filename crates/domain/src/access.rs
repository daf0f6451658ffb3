//! Who counts as a manager: the guild's manager role, or anyone allowed
//! to manage the server. The same rule for commands and the web pages.

/// What Discord says of a member's place in a guild.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    pub roles: Vec<u64>,
    /// Owner, Administrator or Manage Server.
    pub manages_guild: bool,
}

impl Standing {
    pub fn is_manager(&self, manager_role: Option<u64>) -> bool {
        self.manages_guild || manager_role.is_some_and(|r| self.roles.contains(&r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manage_server_is_enough_without_a_manager_role() {
        let admin = Standing { roles: vec![], manages_guild: true };
        assert!(admin.is_manager(None));
    }

    #[test]
    fn the_manager_role_makes_a_manager_and_other_roles_do_not() {
        let member = Standing { roles: vec![7, 9], manages_guild: false };
        assert!(member.is_manager(Some(9)));
        assert!(!member.is_manager(Some(8)));
        assert!(!member.is_manager(None));
    }
}
