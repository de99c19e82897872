//! Who may do what: each account has one role, and every request is checked against it
//! (deny by default). Parents have no account: they sign in with a code sent to their email.

crate::text_enum! {
    /// An account's role.
    pub enum Role {
        Officer = "officer" => "Education welfare or home education officer",
        Manager = "manager" => "Manager",
        Admin = "admin" => "Administrator (accounts and audit; no access to children's records)",
        School = "school" => "School staff (notices and deletion returns for their own school only)",
    }
}

impl Role {
    /// Officers and managers work the register; an administrator runs accounts and reads the
    /// audit log but has no need to see children's records.
    pub fn can_use_register(self) -> bool {
        matches!(self, Role::Officer | Role::Manager)
    }
    /// Issues and revokes API tokens and school accounts.
    pub fn can_administer(self) -> bool {
        self == Role::Admin
    }
    /// Decides applications for consent (s.434A(6)).
    pub fn can_decide(self) -> bool {
        self == Role::Manager
    }
    /// Makes the DfE's termly return and reads the figures for the council.
    pub fn can_make_returns(self) -> bool {
        self == Role::Manager
    }
    pub fn can_read_audit(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_officers_and_managers_see_children_and_only_managers_decide() {
        let register: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| r.can_use_register())
            .collect();
        assert_eq!(register, [Role::Officer, Role::Manager]);
        let deciders: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| r.can_decide())
            .collect();
        assert_eq!(deciders, [Role::Manager]);
        assert!(!Role::School.can_read_audit() && !Role::Officer.can_read_audit());
    }
}
